module example.com/version-go

go 1.19
