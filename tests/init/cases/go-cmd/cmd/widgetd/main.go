// Command widgetd serves widgets.
package main

import (
	"log"
	"net/http"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("widget\n")) })
	log.Fatal(http.ListenAndServe(":8081", nil))
}
