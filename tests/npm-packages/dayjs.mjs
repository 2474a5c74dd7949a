// CommonJS (UMD) with a plugin from a subpath.
import dayjs from "dayjs";
import utc from "dayjs/plugin/utc.js";
dayjs.extend(utc);
export function main() {
  const d = dayjs.utc("2024-02-29T12:34:56Z");
  console.log(d.format("YYYY-MM-DD HH:mm:ss"), d.add(1, "year").format("YYYY-MM-DD"), d.day(), d.isValid());
  console.log(dayjs.utc("2020-01-01").diff(dayjs.utc("2019-01-01"), "day"));
}
