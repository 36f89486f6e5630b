module example.com/distroless-static

go 1.19
