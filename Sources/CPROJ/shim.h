#ifndef ZONAL_CPROJ_SHIM_H
#define ZONAL_CPROJ_SHIM_H
#include <proj.h>
#include <geodesic.h>
#endif
