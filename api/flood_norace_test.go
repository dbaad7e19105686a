//go:build !race

package api_test

// floodSize is how many refused requests the flood test sends: the hundred thousand the access
// log must outlast.
const floodSize = 100000
