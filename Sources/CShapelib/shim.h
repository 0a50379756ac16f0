#ifndef ZONAL_CSHAPELIB_SHIM_H
#define ZONAL_CSHAPELIB_SHIM_H
#include <shapefil.h>
#endif
