#include "calc_core/calc_core.hpp"
namespace calc_core { int answer() { return 6 * 7; } }
