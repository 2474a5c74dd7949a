// date-fns: formatting and arithmetic in UTC dates.
import { format, addDays, differenceInCalendarDays, parseISO, formatDistanceStrict, isLeapYear, startOfWeek } from "date-fns";
export function main() {
  const d = parseISO("2024-02-27T10:00:00Z");
  console.log(addDays(d, 3).toISOString(), differenceInCalendarDays(parseISO("2024-12-25"), parseISO("2024-01-01")));
  console.log(formatDistanceStrict(parseISO("2024-01-01"), parseISO("2024-03-15")), isLeapYear(d), startOfWeek(d).getDay());
  console.log(format(new Date(2024, 0, 5, 7, 8, 9), "yyyy-MM-dd HH:mm:ss EEE do MMMM"));
}
