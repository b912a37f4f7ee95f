// A layering probe, compiled only by its ctest (label layering), which expects it NOT to compile: the
// tables library links the store, not the sweep's bookkeeping, so the sweep's headers are not on its
// include path (each library exports only its own headers; see the top-level CMakeLists.txt).
#include "orchestrator/sweep/sweep_book.h"
