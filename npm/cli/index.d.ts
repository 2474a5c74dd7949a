/// <reference path="./runtime.d.ts" />

export interface CompileOptions {
  /** The program's entry file (.ts, .tsx, .js, .mjs, ...). */
  input: string;
  /** Where to write the module; when left out, only the bytes are returned. */
  output?: string;
  /** Compress and mangle the JS. */
  minify?: boolean;
  /** Evaluate the top level at build time (default true). */
  snapshot?: boolean;
  /** Keep the tables that map stack traces to original positions (default true). */
  sourcePositions?: boolean;
  /** Use the compiled-code cache (default true). */
  cache?: boolean;
  /** Build a plugin: a component of a world in this WIT package (a folder of .wit files, or one file). */
  wit?: string;
  /** With `wit`, the world the plugin implements (default: the package's only world). */
  world?: string;
  /** Working directory for relative paths. */
  cwd?: string;
  /** A jsw binary to use instead of the platform package's. */
  binary?: string;
}

export interface BuildOutput {
  /** What the top level printed on stdout at build time. */
  stdout: string;
  /** What the top level printed on stderr at build time. */
  stderr: string;
}

export interface CompileResult {
  wasm: Uint8Array;
  output?: string;
  buildOutput: BuildOutput;
}

export interface Diagnostic {
  message: string;
  file?: string;
  line?: number;
  column?: number;
  sourceLine?: string;
}

export declare class JswCompileError extends Error {
  readonly status: number;
  readonly diagnostics: Diagnostic[];
  readonly buildOutput: BuildOutput;
}

export interface RunOptions {
  /** A .wasm module, or a source file to compile in memory first. */
  module: string;
  args?: string[];
  env?: Record<string, string>;
  stdin?: string | Uint8Array;
  /** Milliseconds, or a duration such as "2s". */
  timeout?: number | string;
  /** Bytes, or a size such as "64MiB". */
  maxMemory?: number | string;
  fuel?: number;
  /** Host directories to give the module ("HOST" or "HOST::GUEST"). */
  dirs?: string[];
  /** Call this export of a component (`jsw compile --wit`), in WAVE: "add(1, 2)". Its results are printed on stdout. */
  invoke?: string;
  cwd?: string;
  binary?: string;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export declare function compile(options: CompileOptions): Promise<CompileResult>;
export declare function run(options: RunOptions): Promise<RunResult>;
export declare function findBinary(): string;
