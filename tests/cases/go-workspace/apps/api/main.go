package main

import (
	"fmt"
	"net/http"

	"example.com/greet"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, greet.Hello("api")) })
	if err := http.ListenAndServe(":8080", nil); err != nil {
		panic(err)
	}
}
