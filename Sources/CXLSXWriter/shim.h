#ifndef ZONAL_CXLSXWRITER_SHIM_H
#define ZONAL_CXLSXWRITER_SHIM_H
#include <xlsxwriter.h>
#endif
