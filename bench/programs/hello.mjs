// The smallest useful program: top level defines, main prints.
const greeting = (name) => `Hello, ${name}!`;
export function main() {
  console.log(greeting("world"));
}
