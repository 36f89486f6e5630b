module example.com/distroless-user

go 1.19
