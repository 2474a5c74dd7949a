// ajv: JSON Schema validation with generated code.
import Ajv from "ajv";
const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile({
  type: "object",
  properties: { name: { type: "string", minLength: 2 }, age: { type: "integer", minimum: 0 }, tags: { type: "array", items: { type: "string" }, uniqueItems: true } },
  required: ["name", "age"],
  additionalProperties: false,
});
export function main() {
  console.log(validate({ name: "Al", age: 3, tags: ["a", "b"] }), validate.errors);
  console.log(validate({ name: "A", age: -1, tags: ["a", "a"], extra: 1 }));
  console.log(validate.errors.map((e) => `${e.instancePath} ${e.keyword} ${e.message}`));
}
