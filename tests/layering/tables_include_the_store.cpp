// The layering probes' control, compiled by its ctest (label layering), which expects it to compile: a
// library linked by the tables (the store) is on their include path, so the probes beside it fail for
// the reason they test and not for a broken probe.
#include "store/store_reader.h"
