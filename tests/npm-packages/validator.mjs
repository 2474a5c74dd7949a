// validator: string validators and sanitizers.
import validator from "validator";
export function main() {
  console.log(validator.isEmail("a.b@example.com"), validator.isEmail("nope@"), validator.isURL("https://jsw.example/x?y=1"), validator.isUUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8"));
  console.log(validator.isIP("10.0.0.1"), validator.isIP("::1", 6), validator.isISO8601("2024-01-02T03:04:05Z"), validator.isCreditCard("4111111111111111"));
  console.log(validator.escape("<a href='x'>&</a>"), validator.normalizeEmail("John.Doe+tag@GMAIL.com"), validator.isBase64("aGVsbG8="));
}
