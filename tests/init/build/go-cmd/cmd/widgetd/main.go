// Command widgetd serves the widget store over HTTP.
package main

import (
	"fmt"
	"log"
	"net/http"

	"github.com/acme/widget/internal/store"
)

func main() {
	s := store.New("sprocket", "gear")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "widgets: %v\n", s.Names())
	})
	log.Fatal(http.ListenAndServe(":8081", nil))
}
