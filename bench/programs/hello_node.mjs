// The hello handler of the serve benchmark as a Node `http` server (one process,
// shared by every request).
import http from "node:http";

const port = Number(process.argv[2] ?? 8080);
http
  .createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.end("hello\n");
  })
  .listen(port, "127.0.0.1");
