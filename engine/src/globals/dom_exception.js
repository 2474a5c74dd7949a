// DOMException, the error type web APIs (atob, crypto, structuredClone) throw.
(jsw) => {
  "use strict";
  const codes = {
    IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
    NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11,
    SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15,
    TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
    QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
  };
  class DOMException extends Error {
    #name;
    constructor(message = "", name = "Error") {
      super(message);
      this.#name = String(name);
    }
    get name() {
      return this.#name;
    }
    get code() {
      return codes[this.#name] ?? 0;
    }
  }
  Object.defineProperty(DOMException.prototype, Symbol.toStringTag, { value: "DOMException" });
  // WebIDL: attributes are enumerable, and the legacy codes are constants of
  // the interface and its prototype (INDEX_SIZE_ERR = 1, ...).
  for (const key of ["name", "code"]) Object.defineProperty(DOMException.prototype, key, { enumerable: true });
  const legacy = [
    "INDEX_SIZE_ERR", "DOMSTRING_SIZE_ERR", "HIERARCHY_REQUEST_ERR", "WRONG_DOCUMENT_ERR", "INVALID_CHARACTER_ERR",
    "NO_DATA_ALLOWED_ERR", "NO_MODIFICATION_ALLOWED_ERR", "NOT_FOUND_ERR", "NOT_SUPPORTED_ERR", "INUSE_ATTRIBUTE_ERR",
    "INVALID_STATE_ERR", "SYNTAX_ERR", "INVALID_MODIFICATION_ERR", "NAMESPACE_ERR", "INVALID_ACCESS_ERR",
    "VALIDATION_ERR", "TYPE_MISMATCH_ERR", "SECURITY_ERR", "NETWORK_ERR", "ABORT_ERR", "URL_MISMATCH_ERR",
    "QUOTA_EXCEEDED_ERR", "TIMEOUT_ERR", "INVALID_NODE_TYPE_ERR", "DATA_CLONE_ERR",
  ];
  legacy.forEach((name, i) => {
    for (const target of [DOMException, DOMException.prototype]) {
      Object.defineProperty(target, name, { value: i + 1, writable: false, enumerable: true, configurable: false });
    }
  });
  jsw.DOMException = DOMException;
  Object.defineProperty(globalThis, "DOMException", { value: DOMException, writable: true, configurable: true, enumerable: false });
};
