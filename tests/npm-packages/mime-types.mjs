// mime-types: a large JSON database (mime-db) and path.extname.
import mime from "mime-types";
export function main() {
  console.log(mime.lookup("report.json"), mime.lookup("/a/b/photo.JPG"), mime.lookup("x.unknownext"));
  console.log(mime.contentType("markdown"), mime.extension("text/html"), mime.charset("text/css"), mime.extensions["image/png"]);
}
