// The default `commands.allowlist`, kept apart from the schema so the list and its reasons read as one.
// Entries are matched by src/tools/command-line.ts's matchAllowlist: program plus leading arguments.

/**
 * The default `commands.allowlist`: each supported ecosystem's test and build entry points, and no
 * more (an entry matches the program and its leading arguments, so `cargo test` does not allow
 * `cargo install`, nor `go test` `go run`). Maven and Gradle are whole programs: their goals and tasks
 * are the build. A repository needing more names it in slipway.yaml.
 */
export const defaultCommandAllowlist: readonly string[] = [
  // Node: npm, pnpm and yarn scripts, and the TypeScript compiler.
  "node",
  "npm test",
  "npm run",
  "npx tsc",
  "pnpm test",
  "pnpm run",
  "yarn test",
  "yarn run",
  // Python
  "python3 -m pytest",
  "python -m pytest",
  "pytest",
  // Rust
  "cargo test",
  "cargo build",
  "cargo check",
  // Go
  "go test",
  "go build",
  "go vet",
  // Java
  "mvn",
  "./mvnw",
  "gradle",
  "./gradlew",
  // C and C++: make runs the Makefile's recipes whatever the target (as `npm run` runs scripts),
  // so it is allowed whole; CMake configures and builds, CTest runs the tests, and the compilers.
  "make",
  "cmake",
  "ctest",
  "gcc",
  "g++",
  "cc",
  "c++",
  "clang",
  "clang++",
  // Reading files
  "ls",
  "cat",
];
