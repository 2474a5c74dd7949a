// ESM/CJS dual; structural sharing and frozen results.
import { produce } from "immer";
export function main() {
  const base = { todos: [{ text: "a", done: false }, { text: "b", done: false }] };
  const next = produce(base, (draft) => {
    draft.todos[1].done = true;
    draft.todos.push({ text: "c", done: false });
  });
  console.log(next.todos, base.todos[0] === next.todos[0], Object.isFrozen(next));
}
