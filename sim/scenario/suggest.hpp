#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Internal to scenario/: the "did you mean" and "(valid: ...)" parts of error messages.

namespace fabricsim::scenario {

/// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of
/// two neighbouring characters each cost 1 ("spary" is 1 away from "spray"). Case-blind.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The closest of `choices` to `word` when it is close enough to be a likely typo, else "".
std::string closest(std::string_view word, const std::vector<std::string>& choices);

/// "a, b, c".
std::string join(const std::vector<std::string>& items);

/// " (valid: a, b, c)" followed by "; did you mean 'x'?" when one choice is close to `word`.
std::string valid_choices(std::string_view word, const std::vector<std::string>& choices);

}  // namespace fabricsim::scenario
