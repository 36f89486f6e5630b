package main

import (
	"fmt"
	"net/http"

	"example.com/lib"
)

func main() {
	fmt.Println(lib.Answer())
	http.ListenAndServe(":8081", nil)
}
