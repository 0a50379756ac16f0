print("zonal")
