import api from "./index.js";
export const { compile, run, JswCompileError, findBinary } = api;
export default api;
