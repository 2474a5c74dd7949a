// node:stream/consumers: read a whole stream (a Node Readable, a web
// ReadableStream, or any async iterable) as text, JSON, bytes or a Blob.
(jsw) => {
  "use strict";
  async function blob(stream) {
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    return new Blob(chunks);
  }
  async function arrayBuffer(stream) {
    return (await blob(stream)).arrayBuffer();
  }
  async function buffer(stream) {
    return Buffer.from(await arrayBuffer(stream));
  }
  async function text(stream) {
    // One streaming decoder, so that a character split between chunks
    // comes out whole.
    const decoder = new TextDecoder();
    let out = "";
    for await (const chunk of stream) {
      out += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    }
    return out + decoder.decode();
  }
  async function json(stream) {
    return JSON.parse(await text(stream));
  }
  const consumers = { arrayBuffer, blob, buffer, text, json };
  jsw.defineBuiltin("node:stream/consumers", () => consumers);
};
