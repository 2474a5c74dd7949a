// Date's locale methods as the built-ins are shaped: FormatJS installs them as
// plain functions (constructors, named "value", of length 2) that take any
// `this` and turn every error, a wrong receiver's TypeError included, into
// "Invalid Date". These are methods of length 0 that throw for a receiver that
// is not a Date and answer "Invalid Date" only for an invalid one, then format
// through FormatJS.
(jsw) => {
  "use strict";
  const getTime = Date.prototype.getTime;
  for (const name of ["toLocaleString", "toLocaleDateString", "toLocaleTimeString"]) {
    const format = Date.prototype[name];
    const method = {
      [name](locales = undefined, options = undefined) {
        const time = getTime.call(this);
        if (time !== time) return "Invalid Date";
        jsw.checkLocales(Intl.DateTimeFormat, locales);
        return format.call(this, locales, options);
      },
    }[name];
    Object.defineProperty(Date.prototype, name, { value: method, writable: true, configurable: true, enumerable: false });
  }
  // DateTimeFormat's tables arrived with this part (see intl.js).
  jsw.hideIntlTables();
  jsw.guardIntl(["DateTimeFormat"]);
};
