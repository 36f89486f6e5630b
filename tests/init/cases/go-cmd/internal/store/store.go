package store

// Store keeps widgets.
type Store struct{}
