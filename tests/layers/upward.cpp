// Compiled by ctest with a lower folder's include root: an include of a higher folder must not
// compile there (CMakeLists.txt, "layers-*" tests), and compiles with the higher folder's root.
#include "lib/sync/merge.hpp"
