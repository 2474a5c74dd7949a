// CommonJS spread over many files that require each other.
import semver from "semver";
export function main() {
  console.log(semver.valid("1.2.3"), semver.gt("1.10.0", "1.9.9"), semver.satisfies("2.3.4", "^2.0.0"));
  console.log(semver.maxSatisfying(["1.0.0", "1.5.2", "2.0.0"], "~1.5.0"), semver.inc("1.2.3-beta.1", "prerelease"));
  console.log(semver.coerce("v3.4 final").version, semver.sort(["3.0.0", "1.0.0", "2.0.0-rc.1"]));
}
