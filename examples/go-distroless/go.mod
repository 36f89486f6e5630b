module example.com/godistroless

go 1.19
