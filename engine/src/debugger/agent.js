// The debugger's agent: the Chrome DevTools protocol's Debugger and Runtime
// domains over the natives of debugger/mod.rs. The client sees the program's
// modules as they were written (its TypeScript lines): positions cross into
// and out of the generated code through the tables stack traces use.
//
// `jsw.debugAgent(what, arg)` is the one entry point (mod.rs):
//   'message', json  a message from the client; answers 1 when a paused
//                    program should go on, 2 to start a program waiting for
//                    the debugger, 0 otherwise
//   'paused', reason the program stopped; answers 1 to stay paused, 0 when a
//                    breakpoint's condition says to go on
(jsw) => {
  const send = (message) => jsw.debugSend(JSON.stringify(message));
  const CONTEXT = 1;

  let root = '';
  let scripts = null;
  const byName = new Map();
  const byId = new Map();
  let debuggerOn = false;
  let runtimeOn = false;
  let active = true;
  let paused = null;
  const objects = new Map();
  const groups = new Map();
  let nextObject = 1;
  const breakpoints = new Map();

  function fileUrl(path) {
    return 'file://' + encodeURI(path).replace(/[?#]/g, encodeURIComponent);
  }

  function loadScripts() {
    if (scripts) return scripts;
    scripts = jsw.debugModules().map(([name, lines], i) => {
      const url = root && !name.startsWith('/') ? fileUrl(root + '/' + name)
        : name.startsWith('/') ? fileUrl(name) : name;
      const script = { id: String(i + 1), name, url, lines };
      byName.set(name, script);
      byId.set(script.id, script);
      return script;
    });
    return scripts;
  }

  // --- values -------------------------------------------------------------

  function keep(value, group) {
    const id = String(nextObject++);
    objects.set(id, value);
    if (group) {
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(id);
    }
    return JSON.stringify({ injectedScriptId: CONTEXT, id: Number(id) });
  }

  function objectOf(objectId) {
    try {
      const id = String(JSON.parse(objectId).id);
      if (objects.has(id)) return { value: objects.get(id) };
    } catch { /* not one of ours */ }
    return null;
  }

  function subtypeOf(v) {
    if (Array.isArray(v)) return 'array';
    if (v instanceof RegExp) return 'regexp';
    if (v instanceof Date) return 'date';
    if (v instanceof Map) return 'map';
    if (v instanceof Set) return 'set';
    if (v instanceof WeakMap) return 'weakmap';
    if (v instanceof WeakSet) return 'weakset';
    if (v instanceof Error) return 'error';
    if (v instanceof Promise) return 'promise';
    if (v instanceof ArrayBuffer) return 'arraybuffer';
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return 'typedarray';
    if (v instanceof DataView) return 'dataview';
    return undefined;
  }

  function classNameOf(v) {
    try {
      const proto = Object.getPrototypeOf(v);
      if (proto === null) return 'Object';
      const ctor = proto.constructor;
      if (typeof ctor === 'function' && ctor.name) return ctor.name;
    } catch { /* a proxy, say */ }
    return 'Object';
  }

  function describe(v, subtype, className) {
    try {
      switch (subtype) {
        case 'array': return `Array(${v.length})`;
        case 'typedarray': return `${className}(${v.length})`;
        case 'regexp': return String(v);
        case 'date': return String(v);
        case 'map': case 'set': return `${className}(${v.size})`;
        case 'error': return v.stack ? String(v.stack).trimEnd() : String(v);
        case 'promise': return 'Promise';
        case 'arraybuffer': return `ArrayBuffer(${v.byteLength})`;
      }
    } catch { /* fall through */ }
    return className;
  }

  function functionDescription(f) {
    try {
      return Function.prototype.toString.call(f);
    } catch {
      return `function ${f.name || ''}() { [native code] }`;
    }
  }

  function preview(v, subtype, className) {
    const properties = [];
    let overflow = false;
    try {
      const keys = Object.keys(v);
      for (const key of keys) {
        if (properties.length >= 5) { overflow = true; break; }
        const d = Object.getOwnPropertyDescriptor(v, key);
        if (!d || !('value' in d)) {
          properties.push({ name: key, type: 'accessor' });
          continue;
        }
        const p = d.value;
        const type = p === null ? 'object' : typeof p;
        const entry = { name: key, type };
        if (p === null) { entry.subtype = 'null'; entry.value = 'null'; }
        else if (type === 'object') { const s = subtypeOf(p); if (s) entry.subtype = s; entry.value = describe(p, s, classNameOf(p)); }
        else if (type === 'function') entry.value = '';
        else if (type === 'symbol') entry.value = p.toString();
        else if (type === 'bigint') entry.value = p + 'n';
        else entry.value = String(p);
        properties.push(entry);
      }
    } catch { /* a throwing proxy: what was read */ }
    const out = { type: 'object', description: describe(v, subtype, className), overflow, properties };
    if (subtype) out.subtype = subtype;
    return out;
  }

  function remote(v, options = {}) {
    switch (typeof v) {
      case 'undefined': return { type: 'undefined' };
      case 'string': return { type: 'string', value: v };
      case 'boolean': return { type: 'boolean', value: v };
      case 'number':
        if (Object.is(v, -0)) return { type: 'number', unserializableValue: '-0', description: '-0' };
        if (!Number.isFinite(v)) return { type: 'number', unserializableValue: String(v), description: String(v) };
        return { type: 'number', value: v, description: String(v) };
      case 'bigint': return { type: 'bigint', unserializableValue: v + 'n', description: v + 'n' };
      case 'symbol': return { type: 'symbol', description: v.toString(), objectId: keep(v, options.group) };
      case 'function':
        return { type: 'function', className: 'Function', description: functionDescription(v), objectId: keep(v, options.group) };
    }
    if (v === null) return { type: 'object', subtype: 'null', value: null };
    if (options.byValue) {
      try {
        return { type: 'object', value: JSON.parse(JSON.stringify(v)) };
      } catch { /* not JSON: a reference instead */ }
    }
    const subtype = subtypeOf(v);
    const className = classNameOf(v);
    const out = { type: 'object', className, description: describe(v, subtype, className), objectId: keep(v, options.group) };
    if (subtype) out.subtype = subtype;
    if (options.preview) out.preview = preview(v, subtype, className);
    return out;
  }

  function valueOf(argument) {
    if (!argument) return undefined;
    if (argument.objectId) {
      const found = objectOf(argument.objectId);
      if (!found) throw new Error('Could not find object with given id');
      return found.value;
    }
    if ('unserializableValue' in argument) {
      const u = argument.unserializableValue;
      if (/n$/.test(u)) return BigInt(u.slice(0, -1));
      return Number(u);
    }
    return argument.value;
  }

  function exceptionDetails(error) {
    let text = 'Uncaught';
    try {
      if (error instanceof Error) text = 'Uncaught ' + (error.stack || String(error)).split('\n')[0];
      else text = 'Uncaught ' + String(error);
    } catch { /* keep the short text */ }
    return { exceptionId: 1, text, lineNumber: 0, columnNumber: 0, exception: remote(error) };
  }

  // --- positions ----------------------------------------------------------

  // 1-based generated position -> 0-based source position.
  function original(file, line, column) {
    const mapped = jsw.mapPosition(file, line, column);
    const [l, c] = mapped || [line, column];
    return { lineNumber: Math.max(l - 1, 0), columnNumber: Math.max(c - 1, 0) };
  }

  // The first source line at or after `line` (0-based) that has code, and
  // the generated lines it became.
  function resolveLine(script, line) {
    for (let l = line; l < line + 64; l++) {
      const generated = jsw.debugGenerated(script.name, l + 1);
      if (generated.length) return { line: l, generated };
    }
    return null;
  }

  function syncBreakpoints(name) {
    const lines = new Set();
    if (active) {
      for (const bp of breakpoints.values()) {
        for (const at of bp.at) {
          if (at.script.name === name) for (const [l] of at.generated) lines.add(l);
        }
      }
    }
    jsw.debugLines(name, [...lines]);
  }

  function scriptsForUrl(params) {
    loadScripts();
    if (params.url !== undefined) {
      const url = params.url;
      return scripts.filter((s) => s.url === url || s.name === url ||
        (url.startsWith('file://') && decodeURI(url.slice(7)) === root + '/' + s.name));
    }
    if (params.urlRegex !== undefined) {
      const re = new RegExp(params.urlRegex);
      return scripts.filter((s) => re.test(s.url));
    }
    if (params.scriptHash !== undefined) return [];
    return [];
  }

  function addBreakpoint(id, matching, line, condition) {
    const at = [];
    const locations = [];
    for (const script of matching) {
      const resolved = resolveLine(script, line);
      if (!resolved) continue;
      at.push({ script, generated: resolved.generated });
      const [gl, gc] = resolved.generated[0];
      const loc = original(script.name, gl, gc);
      locations.push({ scriptId: script.id, lineNumber: resolved.line, columnNumber: loc.lineNumber === resolved.line ? loc.columnNumber : 0 });
    }
    breakpoints.set(id, { at, condition: condition || '' });
    for (const a of at) syncBreakpoints(a.script.name);
    return locations;
  }

  // --- frames -------------------------------------------------------------

  // A paused frame's variables: its own (arguments and locals), those it
  // closes over, and its `this` (a local of QuickJS's when the code uses it).
  function frameVariables(index) {
    const local = jsw.debugScope(index, 0);
    let self;
    if (Object.prototype.hasOwnProperty.call(local, 'this')) {
      self = local.this;
      delete local.this;
    }
    return { local, closure: jsw.debugScope(index, 1), self };
  }

  function scopeChain(index) {
    const { local, closure, self } = frameVariables(index);
    const chain = [{ type: 'local', object: remote(local, { group: 'backtrace' }) }];
    if (Object.keys(closure).length) chain.push({ type: 'closure', object: remote(closure, { group: 'backtrace' }) });
    chain.push({ type: 'global', object: remote(globalThis, { group: 'backtrace' }) });
    return { chain, self };
  }

  function callFrames() {
    loadScripts();
    return jsw.debugFrames().map(([file, name, line, column], i) => {
      const script = byName.get(file);
      const { chain, self } = scopeChain(i);
      return {
        callFrameId: String(i),
        functionName: name === '<eval>' || name === '_eval_' ? '' : name,
        location: { scriptId: script ? script.id : '0', ...original(file, line, column) },
        url: script ? script.url : file,
        scopeChain: chain,
        this: remote(self, { group: 'backtrace' }),
        canBeRestarted: false,
      };
    });
  }

  const evaluator = (0, eval)('(function (__jsw_scope, __jsw_expression) { with (__jsw_scope) { return eval(__jsw_expression); } })');

  function frameIndex(callFrameId) {
    const index = Number(callFrameId);
    if (!Number.isInteger(index) || index < 0 || index >= jsw.debugFrames().length) {
      throw new ProtocolError('Invalid call frame id');
    }
    return index;
  }

  // Evaluates in a paused frame: its variables in scope (assignments to them
  // are written back into the frame).
  function evaluateInFrame(index, expression) {
    const { local, closure, self } = frameVariables(index);
    const scope = Object.assign(Object.create(null), closure, local);
    const before = Object.assign(Object.create(null), scope);
    try {
      return evaluator.call(self, scope, expression);
    } finally {
      for (const name of Object.keys(scope)) {
        if (!Object.is(scope[name], before[name])) jsw.debugSetVariable(index, name, scope[name]);
      }
    }
  }

  // --- console ------------------------------------------------------------

  const CONSOLE_TYPES = { log: 'log', info: 'info', warn: 'warning', error: 'error', debug: 'debug', trace: 'trace', dir: 'dir', table: 'table' };
  let consoleWrapped = false;

  function wrapConsole() {
    if (consoleWrapped || typeof console !== 'object') return;
    consoleWrapped = true;
    for (const [method, type] of Object.entries(CONSOLE_TYPES)) {
      const original = console[method];
      if (typeof original !== 'function') continue;
      console[method] = function (...args) {
        const result = Reflect.apply(original, this, args);
        if (runtimeOn) {
          try {
            send({
              method: 'Runtime.consoleAPICalled',
              params: { type, args: args.map((a) => remote(a, { group: 'console', preview: true })), executionContextId: CONTEXT, timestamp: 0 },
            });
          } catch { /* the client never blocks the program's output */ }
        }
        return result;
      };
    }
  }

  // --- the protocol -------------------------------------------------------

  const IGNORED = new Set([
    'Debugger.setAsyncCallStackDepth', 'Debugger.setBlackboxPatterns', 'Debugger.setBlackboxedRanges',
    'Debugger.setBlackboxExecutionContexts', 'Runtime.setAsyncCallStackDepth', 'Runtime.discardConsoleEntries',
    'Profiler.enable', 'Profiler.disable', 'HeapProfiler.enable', 'HeapProfiler.disable',
    'Runtime.setCustomObjectFormatterEnabled', 'Debugger.setInstrumentationBreakpoint',
    'Debugger.removeInstrumentationBreakpoint', 'Runtime.addBinding', 'Log.enable', 'Network.enable',
  ]);

  class ProtocolError extends Error {}

  function announceScripts() {
    for (const s of loadScripts()) {
      send({
        method: 'Debugger.scriptParsed',
        params: {
          scriptId: s.id, url: s.url, startLine: 0, startColumn: 0, endLine: s.lines, endColumn: 0,
          executionContextId: CONTEXT, hash: '', isModule: /\.(m?[jt]sx?)$/.test(s.name) && !/\.c[jt]s$/.test(s.name),
          sourceMapURL: '', hasSourceURL: false, scriptLanguage: 'JavaScript', embedderName: s.url,
        },
      });
    }
  }

  function resumeWith(step) {
    if (!paused) return 0;
    if (step) jsw.debugStep(step);
    return 1;
  }

  // Handles one request; returns [result, what mod.rs should do].
  // `internal`: the host's replay of a client's earlier request into a new
  // instance (jsw serve --inspect), whose answer the client never sees.
  function handle(method, params, internal) {
    switch (method) {
      case 'jsw.attached':
        root = params.root || '';
        scripts = null; byName.clear(); byId.clear();
        return [null, 0];
      case 'jsw.detached':
        // The client went away: like Node, the program goes on without it.
        debuggerOn = false; runtimeOn = false;
        breakpoints.clear();
        for (const s of loadScripts()) jsw.debugLines(s.name, []);
        jsw.debugOnException('none');
        objects.clear(); groups.clear();
        return [null, paused ? 1 : 2];
      case 'Runtime.enable':
        runtimeOn = true;
        wrapConsole();
        send({ method: 'Runtime.executionContextCreated', params: { context: { id: CONTEXT, origin: '', name: 'jsw', uniqueId: 'jsw-1', auxData: { isDefault: true } } } });
        return [{}, 0];
      case 'Runtime.disable':
        runtimeOn = false;
        return [{}, 0];
      case 'Debugger.enable':
        debuggerOn = true;
        announceScripts();
        return [{ debuggerId: 'jsw-debugger' }, 0];
      case 'Debugger.disable':
        debuggerOn = false;
        return [{}, 0];
      case 'Runtime.runIfWaitingForDebugger':
        return [{}, 2];
      case 'Debugger.setPauseOnExceptions':
        jsw.debugOnException(params.state || 'none');
        return [{}, 0];
      case 'Debugger.setBreakpointsActive':
      case 'Debugger.setSkipAllPauses': {
        active = method === 'Debugger.setBreakpointsActive' ? !!params.active : !params.skip;
        for (const s of loadScripts()) syncBreakpoints(s.name);
        return [{}, 0];
      }
      case 'Debugger.setBreakpointByUrl': {
        // V8's ids: the same breakpoint has the same id in every instance
        // (jsw serve --inspect sets the client's in each request's).
        const id = params.url !== undefined
          ? `1:${params.lineNumber}:${params.columnNumber || 0}:${params.url}`
          : `4:${params.lineNumber}:${params.columnNumber || 0}:${params.urlRegex || ''}`;
        if (breakpoints.has(id)) throw new ProtocolError('Breakpoint at specified location already exists.');
        const locations = addBreakpoint(id, scriptsForUrl(params), params.lineNumber, params.condition);
        if (internal) {
          for (const location of locations) send({ method: 'Debugger.breakpointResolved', params: { breakpointId: id, location } });
        }
        return [{ breakpointId: id, locations }, 0];
      }
      case 'Debugger.setBreakpoint': {
        const script = loadScripts() && byId.get(params.location.scriptId);
        if (!script) throw new ProtocolError('Location is outside of a known script');
        const id = `2:${params.location.lineNumber}:${params.location.columnNumber || 0}:${script.id}`;
        if (breakpoints.has(id)) throw new ProtocolError('Breakpoint at specified location already exists.');
        const [actualLocation] = addBreakpoint(id, [script], params.location.lineNumber, params.condition);
        if (!actualLocation) throw new ProtocolError('Could not resolve breakpoint');
        return [{ breakpointId: id, actualLocation }, 0];
      }
      case 'Debugger.removeBreakpoint': {
        const bp = breakpoints.get(params.breakpointId);
        breakpoints.delete(params.breakpointId);
        if (bp) for (const a of bp.at) syncBreakpoints(a.script.name);
        return [{}, 0];
      }
      case 'Debugger.getPossibleBreakpoints': {
        const script = loadScripts() && byId.get(params.start.scriptId);
        if (!script) throw new ProtocolError('Location is outside of a known script');
        const first = params.start.lineNumber;
        const last = params.end ? params.end.lineNumber : first;
        const locations = [];
        for (let l = first; l <= last && l < first + 10000; l++) {
          const generated = jsw.debugGenerated(script.name, l + 1);
          if (!generated.length) continue;
          if (l === last && params.end && params.end.columnNumber === 0 && l !== first) break;
          const loc = original(script.name, generated[0][0], generated[0][1]);
          locations.push({ scriptId: script.id, lineNumber: l, columnNumber: loc.lineNumber === l ? loc.columnNumber : 0 });
        }
        return [{ locations }, 0];
      }
      case 'Debugger.getScriptSource':
        // The host answers with the file itself; a script it could not read:
        throw new ProtocolError('The source of this script is not available');
      case 'Debugger.resume':
        return [{}, resumeWith(null)];
      case 'Debugger.stepOver':
        return [{}, resumeWith('over')];
      case 'Debugger.stepInto':
        return [{}, resumeWith('into')];
      case 'Debugger.stepOut':
        return [{}, resumeWith('out')];
      case 'Debugger.pause':
        if (!paused) jsw.debugPauseNext();
        return [{}, 0];
      case 'Debugger.evaluateOnCallFrame': {
        if (!paused) throw new ProtocolError('Can only perform operation while paused.');
        const index = frameIndex(params.callFrameId);
        const options = { group: params.objectGroup, byValue: params.returnByValue, preview: params.generatePreview };
        try {
          return [{ result: remote(evaluateInFrame(index, String(params.expression)), options) }, 0];
        } catch (error) {
          return [{ result: remote(error, options), exceptionDetails: exceptionDetails(error) }, 0];
        }
      }
      case 'Debugger.setVariableValue': {
        if (!paused) throw new ProtocolError('Can only perform operation while paused.');
        if (!jsw.debugSetVariable(frameIndex(params.callFrameId), params.variableName, valueOf(params.newValue))) {
          throw new ProtocolError('Could not find variable with given name');
        }
        return [{}, 0];
      }
      case 'Runtime.evaluate': {
        const options = { group: params.objectGroup, byValue: params.returnByValue, preview: params.generatePreview };
        try {
          return [{ result: remote((0, eval)(String(params.expression)), options) }, 0];
        } catch (error) {
          return [{ result: remote(error, options), exceptionDetails: exceptionDetails(error) }, 0];
        }
      }
      case 'Runtime.callFunctionOn': {
        const options = { group: params.objectGroup, byValue: params.returnByValue, preview: params.generatePreview };
        let self;
        if (params.objectId) {
          const found = objectOf(params.objectId);
          if (!found) throw new ProtocolError('Could not find object with given id');
          self = found.value;
        }
        try {
          const f = (0, eval)('(' + params.functionDeclaration + ')');
          const args = (params.arguments || []).map(valueOf);
          return [{ result: remote(Reflect.apply(f, self, args), options) }, 0];
        } catch (error) {
          return [{ result: remote(error, options), exceptionDetails: exceptionDetails(error) }, 0];
        }
      }
      case 'Runtime.getProperties': {
        const found = objectOf(params.objectId);
        if (!found) throw new ProtocolError('Could not find object with given id');
        const o = found.value;
        const result = [];
        const internalProperties = [];
        if (o !== null && (typeof o === 'object' || typeof o === 'function')) {
          for (const key of Reflect.ownKeys(o)) {
            const d = Object.getOwnPropertyDescriptor(o, key);
            if (!d) continue;
            const isAccessor = !('value' in d);
            if (params.accessorPropertiesOnly && !isAccessor) continue;
            const entry = { name: typeof key === 'symbol' ? key.toString() : key, configurable: d.configurable, enumerable: d.enumerable, isOwn: true };
            if (typeof key === 'symbol') entry.symbol = remote(key);
            if (isAccessor) {
              entry.get = d.get ? remote(d.get, { group: params.objectGroup }) : { type: 'undefined' };
              entry.set = d.set ? remote(d.set, { group: params.objectGroup }) : { type: 'undefined' };
            } else {
              entry.value = remote(d.value, { group: params.objectGroup, preview: params.generatePreview });
              entry.writable = d.writable;
            }
            result.push(entry);
          }
          if (!params.accessorPropertiesOnly) {
            const proto = Object.getPrototypeOf(o);
            if (proto !== null) internalProperties.push({ name: '[[Prototype]]', value: remote(proto, { group: params.objectGroup }) });
            if (o instanceof Promise) {
              const [state, value] = jsw.promiseState(o) || [];
              internalProperties.push({ name: '[[PromiseState]]', value: { type: 'string', value: ['pending', 'fulfilled', 'rejected'][state] || 'pending' } });
              if (state) internalProperties.push({ name: '[[PromiseResult]]', value: remote(value, { group: params.objectGroup }) });
            }
            if (o instanceof Map || o instanceof Set) {
              internalProperties.push({ name: '[[Entries]]', value: remote([...o.entries()], { group: params.objectGroup }) });
            }
          }
        }
        return [{ result, internalProperties }, 0];
      }
      case 'Runtime.releaseObject': {
        const found = (() => { try { return String(JSON.parse(params.objectId).id); } catch { return null; } })();
        if (found) objects.delete(found);
        return [{}, 0];
      }
      case 'Runtime.releaseObjectGroup': {
        for (const id of groups.get(params.objectGroup) || []) objects.delete(id);
        groups.delete(params.objectGroup);
        return [{}, 0];
      }
      case 'Runtime.getIsolateId':
        return [{ id: 'jsw' }, 0];
      case 'Runtime.getHeapUsage':
        return [{ usedSize: 0, totalSize: 0 }, 0];
    }
    if (IGNORED.has(method)) return [{}, 0];
    const error = new ProtocolError(`'${method}' wasn't found`);
    error.code = -32601;
    throw error;
  }

  function onMessage(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      send({ error: { code: -32700, message: 'Message must be in JSON format' } });
      return 0;
    }
    if (!message || typeof message.method !== 'string') {
      send({ id: message && message.id, error: { code: -32600, message: 'Message must have string \'method\' property' } });
      return 0;
    }
    const { id, method } = message;
    try {
      const internal = typeof id === 'string' && id.startsWith('jsw:');
      const [result, action] = handle(String(method), message.params || {}, internal);
      if (id !== undefined) send({ id, result });
      return action;
    } catch (error) {
      if (id !== undefined) {
        const code = error instanceof ProtocolError ? (error.code || -32000) : -32603;
        send({ id, error: { code, message: error instanceof Error ? error.message : String(error) } });
      }
      return 0;
    }
  }

  function onPaused(reason) {
    const frames = callFrames();
    if (!frames.length) return 0;
    const params = { callFrames: frames, reason: reason === 'Break on start' ? 'Break on start' : 'other' };
    if (reason === 'breakpoint') {
      const [file, , line] = jsw.debugFrames()[0];
      const hit = [];
      let go = true;
      for (const [id, bp] of breakpoints) {
        if (!bp.at.some((a) => a.script.name === file && a.generated.some(([l]) => l === line))) continue;
        hit.push(id);
        if (!bp.condition) { go = false; continue; }
        try {
          if (evaluateInFrame(0, bp.condition)) go = false;
        } catch { go = false; }
      }
      if (hit.length && go) return 0;
      params.hitBreakpoints = hit;
    } else if (reason === 'exception') {
      const exception = jsw.debugException();
      params.reason = 'exception';
      params.data = { ...remote(exception, { group: 'backtrace' }), uncaught: jsw.debugUncaught() };
    }
    paused = true;
    send({ method: 'Debugger.paused', params });
    return 1;
  }

  // `debugger;` (the patched parser calls this).
  Object.defineProperty(globalThis, '__jswDebugger', { value: jsw.debugStatement, writable: false, enumerable: false, configurable: false });

  jsw.debugAgent = function (what, arg) {
    if (what === 'paused') {
      if (!debuggerOn) return 0;
      return onPaused(arg);
    }
    const action = onMessage(arg);
    if (action === 1 && paused) {
      paused = null;
      for (const id of groups.get('backtrace') || []) objects.delete(id);
      groups.delete('backtrace');
      send({ method: 'Debugger.resumed', params: {} });
    }
    return action;
  };
}
