// A net/http server on port 8080 in the common Go layout: the main
// package under cmd/server, the logic in an internal package.
package main

import (
	"fmt"
	"log"
	"net/http"

	"example.com/gocmd/internal/greet"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, greet.Text())
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
