module example.com/err-scratch-named-user

go 1.19
