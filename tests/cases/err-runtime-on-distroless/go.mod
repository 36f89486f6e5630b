module example.com/err-runtime-on-distroless

go 1.19
