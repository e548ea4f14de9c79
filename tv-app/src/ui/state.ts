// Lightning's component states (`static _states()`, `_setState('Tracks')`) are named after their
// classes' `name`. Minified builds rename or drop class names, so each state class gets its name
// pinned here. The legacy build keeps function names instead (build.mjs): engines of the Chrome
// 38 era cannot redefine a function's `name`, and there it is already right.
type StateClass = abstract new (...args: never[]) => unknown;

export function state<T extends StateClass>(name: string, type: T): T {
  if (type.name !== name) Object.defineProperty(type, 'name', { value: name });
  return type;
}
