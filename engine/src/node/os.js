// node:os, with what a WASI sandbox can honestly say about its machine: it is a
// wasm32, little-endian, single-threaded guest with no view of the host's
// hardware, users or network. Values that would describe the host are neutral
// (one CPU of model "wasm32", no network interfaces, load average 0), and the
// memory figures describe the module's own linear memory, which is what it has.
(jsw) => {
  "use strict";
  const signals = Object.freeze({
    SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
    SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGSTKFLT: 16,
    SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
    SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
  });
  // wasm32's address space: the most linear memory a module can have.
  const ADDRESS_SPACE = 4 * 1024 * 1024 * 1024;
  const home = () => process.env.HOME || "/";
  const os = {
    EOL: "\n",
    devNull: "/dev/null",
    constants: Object.freeze({ signals, priority: Object.freeze({ PRIORITY_LOW: 19, PRIORITY_BELOW_NORMAL: 10, PRIORITY_NORMAL: 0, PRIORITY_ABOVE_NORMAL: -7, PRIORITY_HIGH: -14, PRIORITY_HIGHEST: -20 }) }),
    arch: () => process.arch,
    platform: () => process.platform,
    type: () => "WASI",
    release: () => "",
    version: () => "",
    machine: () => "wasm32",
    endianness: () => "LE",
    hostname: () => "localhost",
    homedir: home,
    tmpdir: () => process.env.TMPDIR || "/tmp",
    uptime: () => performance.now() / 1000,
    loadavg: () => [0, 0, 0],
    cpus: () => [{ model: "wasm32", speed: 0, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } }],
    availableParallelism: () => 1,
    totalmem: () => ADDRESS_SPACE,
    freemem: () => ADDRESS_SPACE - jsw.memoryBytes(),
    networkInterfaces: () => ({}),
    userInfo: () => ({ uid: -1, gid: -1, username: process.env.USER || "", homedir: home(), shell: null }),
    getPriority: () => 0,
    setPriority() {},
  };
  jsw.defineBuiltin("node:os", () => os);
};
