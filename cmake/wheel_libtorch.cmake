# The CPU libtorch that scripts/install-libtorch unpacks from PyPI's torch wheel (BOKEH_LIBTORCH:
# its include/ and lib/), imported by hand: the wheel's own TorchConfig.cmake describes its CUDA
# build and would link libtorch_cuda, which a CPU build neither needs nor installs.
# Sets what find_package(Torch) would: TORCH_INCLUDE_DIRS, TORCH_LIBRARIES, TORCH_INSTALL_PREFIX,
# Torch_VERSION.
find_library(BOKEH_TORCH_CPU_LIBRARY torch_cpu PATHS ${BOKEH_LIBTORCH}/lib NO_DEFAULT_PATH)
find_library(BOKEH_C10_LIBRARY c10 PATHS ${BOKEH_LIBTORCH}/lib NO_DEFAULT_PATH)
set(bokeh_torch_version_h ${BOKEH_LIBTORCH}/include/torch/headeronly/version.h)
if(NOT BOKEH_TORCH_CPU_LIBRARY OR NOT BOKEH_C10_LIBRARY OR NOT EXISTS ${bokeh_torch_version_h})
  message(FATAL_ERROR "bokeh: BOKEH_LIBTORCH=${BOKEH_LIBTORCH} holds no libtorch (lib/libtorch_cpu.so, lib/libc10.so, "
                      "include/torch/): run scripts/install-deps")
endif()
set(Torch_VERSION "")
foreach(part MAJOR MINOR PATCH)
  file(STRINGS ${bokeh_torch_version_h} line REGEX "#define TORCH_VERSION_${part} ")
  string(REGEX REPLACE ".* ([0-9]+)$" "\\1" number "${line}")
  list(APPEND Torch_VERSION ${number})
endforeach()
list(JOIN Torch_VERSION "." Torch_VERSION)
set(TORCH_INSTALL_PREFIX ${BOKEH_LIBTORCH})
set(TORCH_INCLUDE_DIRS ${BOKEH_LIBTORCH}/include ${BOKEH_LIBTORCH}/include/torch/csrc/api/include)
# libtorch_cpu finds the libraries it names (libgomp, the CUDA runtime) beside itself ($ORIGIN).
set(TORCH_LIBRARIES ${BOKEH_TORCH_CPU_LIBRARY} ${BOKEH_C10_LIBRARY})
message(STATUS "bokeh: libtorch ${Torch_VERSION} (CPU libraries of PyTorch's wheel) from ${BOKEH_LIBTORCH}")
