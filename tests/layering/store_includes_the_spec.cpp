// A layering probe, compiled only by its ctest (label layering), which expects it NOT to compile: the
// store knows nothing of the spec parser (the worker side and the reports read a spec through the
// store's own format), so the parser's headers are not on the store's include path.
#include "orchestrator/spec/spec.h"
