package main

import (
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/caseflow/caseflow/readmodel"
)

func openStore(url string) (*readmodel.Store, func(), error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, nil, fmt.Errorf("REDIS_URL: %w", err)
	}
	ids, err := toolPseudonyms()
	if err != nil {
		return nil, nil, err
	}
	rdb := redis.NewClient(opts)
	return readmodel.New(rdb, ids), func() { _ = rdb.Close() }, nil
}
