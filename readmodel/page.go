package readmodel

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Page is one page of a list; NextCursor fetches the next, and is empty at the end.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Page sizes: a limit of zero or less means DefaultLimit, and more than MaxLimit means MaxLimit.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ErrBadCursor is returned for a cursor this package did not issue.
var ErrBadCursor = errors.New("the page cursor is not valid")

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// cursor is the position of the last item of a page: its score and member. Redis orders equal
// scores by member, byte by byte, so (score, member) is a strict position even when thousands of
// actions fall due in one millisecond, and it stays one when that item leaves the index.
type cursor struct {
	Score  float64
	Member string
}

func (c cursor) encode() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatFloat(c.Score, 'f', -1, 64) + "|" + c.Member))
}

func decodeCursor(s string) (*cursor, error) {
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, ErrBadCursor
	}
	score, member, ok := strings.Cut(string(raw), "|")
	if !ok || member == "" {
		return nil, ErrBadCursor
	}
	f, err := strconv.ParseFloat(score, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, ErrBadCursor
	}
	return &cursor{Score: f, Member: member}, nil
}

// window is a range of one or more sorted sets read as one list: scores in [lo, hi], ascending,
// or descending when desc. Several keys are merged, a member in more than one counted once.
type window struct {
	keys   []string
	lo, hi float64
	desc   bool
}

// windowScript reads up to n members of a window strictly after a cursor, in one atomic step.
// It finds the cursor's place by rank when its member is still there with the same score, and
// otherwise by binary search among the members sharing its score, so a cursor whose row was
// completed in the meantime neither skips nor repeats a row. Members are compared byte by byte
// in Lua, not with <, which follows the server's locale rather than Redis's order.
//
// ARGV: lo, hi, n, desc ("1" or "0"), then the cursor's score and member, if any.
// The reply is flat: member, score, member, score...
var windowScript = redis.NewScript(`
local lo, hi, n, desc = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local cscore, cmember = ARGV[5], ARGV[6]

local function num(s)
  if s == '-inf' then return -math.huge elseif s == '+inf' then return math.huge end
  return tonumber(s)
end
local lon, hin = num(lo), num(hi)

local function bytesLess(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end

-- comesFirst says whether member a is listed before member b at one score.
local function comesFirst(a, b)
  if desc then return bytesLess(b, a) end
  return bytesLess(a, b)
end

local function rangeByRank(key, from, to, withScores)
  local cmd = 'ZRANGE'
  if desc then cmd = 'ZREVRANGE' end
  if withScores then return redis.call(cmd, key, from, to, 'WITHSCORES') end
  return redis.call(cmd, key, from, to)
end

-- countBefore is how many members are listed before any member with the given score.
local function countBefore(key, score)
  if desc then return redis.call('ZCOUNT', key, '(' .. score, '+inf') end
  return redis.call('ZCOUNT', key, '-inf', '(' .. score)
end

-- afterCursor is the rank, in listing order, of the first member after the cursor.
local function afterCursor(key)
  local score = redis.call('ZSCORE', key, cmember)
  if score and tonumber(score) == tonumber(cscore) then
    if desc then return redis.call('ZREVRANK', key, cmember) + 1 end
    return redis.call('ZRANK', key, cmember) + 1
  end
  local a = countBefore(key, cscore)
  local b = a + redis.call('ZCOUNT', key, cscore, cscore)
  while a < b do
    local mid = math.floor((a + b) / 2)
    local m = rangeByRank(key, mid, mid, false)[1]
    if m == cmember or comesFirst(m, cmember) then a = mid + 1 else b = mid end
  end
  return a
end

-- read returns the key's members in the window after the cursor, flat with their scores.
local function read(key)
  local start = 0
  if desc and hi ~= '+inf' then start = countBefore(key, hi) end
  if not desc and lo ~= '-inf' then start = countBefore(key, lo) end
  if cmember then start = math.max(start, afterCursor(key)) end
  local raw = rangeByRank(key, start, start + n - 1, true)
  for i = 1, #raw, 2 do
    local s = tonumber(raw[i + 1])
    if (desc and s < lon) or (not desc and s > hin) then
      for j = #raw, i, -1 do raw[j] = nil end
      break
    end
  end
  return raw
end

if #KEYS == 1 then return read(KEYS[1]) end

-- Several keys: merge their reads, dropping a member listed by more than one.
local lists, at = {}, {}
for k = 1, #KEYS do
  lists[k], at[k] = read(KEYS[k]), 1
end
local function before(k, j)
  local a, b = tonumber(lists[k][at[k] + 1]), tonumber(lists[j][at[j] + 1])
  if a ~= b then
    if desc then return a > b end
    return a < b
  end
  return comesFirst(lists[k][at[k]], lists[j][at[j]])
end
local out, seen = {}, {}
while #out < 2 * n do
  local best
  for k = 1, #KEYS do
    if lists[k][at[k]] and (not best or before(k, best)) then best = k end
  end
  if not best then break end
  local m, s = lists[best][at[best]], lists[best][at[best] + 1]
  at[best] = at[best] + 2
  if not seen[m] then
    seen[m] = true
    out[#out + 1] = m
    out[#out + 1] = s
  end
end
return out
`)

// read returns up to n members of the window after the cursor. The first page of a single index
// is one plain range query; later pages and merged indexes need the window script.
func (s *Store) read(ctx context.Context, w window, after *cursor, n int) ([]redis.Z, error) {
	if after == nil && len(w.keys) == 1 {
		by := &redis.ZRangeBy{Min: fmtScore(w.lo), Max: fmtScore(w.hi), Count: int64(n)}
		var zs []redis.Z
		var err error
		if w.desc {
			zs, err = s.rdb.ZRevRangeByScoreWithScores(ctx, w.keys[0], by).Result()
		} else {
			zs, err = s.rdb.ZRangeByScoreWithScores(ctx, w.keys[0], by).Result()
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", w.keys[0], err)
		}
		return zs, nil
	}
	args := []any{fmtScore(w.lo), fmtScore(w.hi), n, "0"}
	if w.desc {
		args[3] = "1"
	}
	if after != nil {
		args = append(args, strconv.FormatFloat(after.Score, 'f', -1, 64), after.Member)
	}
	flat, err := windowScript.Run(ctx, s.rdb, w.keys, args...).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", strings.Join(w.keys, ", "), err)
	}
	zs := make([]redis.Z, 0, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		score, err := strconv.ParseFloat(flat[i+1], 64)
		if err != nil {
			return nil, fmt.Errorf("read %s: score %q: %w", strings.Join(w.keys, ", "), flat[i+1], err)
		}
		zs = append(zs, redis.Z{Member: flat[i], Score: score})
	}
	return zs, nil
}

// maxBatch bounds one read while scan looks for members that pass a filter.
const maxBatch = 2000

// scan walks a window from after the cursor, keeping the members keep accepts, until it has
// limit of them or the window ends. It returns them and the cursor of the next page, nil at the
// end. keep sees a whole batch at once so that it can fetch the batch's rows in one call.
func (s *Store) scan(ctx context.Context, w window, after *cursor, limit int, keep func([]redis.Z) ([]bool, error)) ([]redis.Z, *cursor, error) {
	var out []redis.Z
	pos := after
	// One more than the page, so that a page ending with the window ends without a cursor.
	batch := limit + 1
	for {
		zs, err := s.read(ctx, w, pos, batch)
		if err != nil {
			return nil, nil, err
		}
		ok, err := keep(zs)
		if err != nil {
			return nil, nil, err
		}
		ended := len(zs) < batch
		for i, z := range zs {
			pos = &cursor{Score: z.Score, Member: z.Member.(string)}
			if !ok[i] {
				continue
			}
			out = append(out, z)
			if len(out) == limit {
				if ended && i == len(zs)-1 {
					return out, nil, nil
				}
				return out, pos, nil
			}
		}
		if ended {
			return out, nil, nil
		}
		// Filters dropped some: read further ahead each time, as the rest are likely sparse.
		batch = min(batch*2, maxBatch)
	}
}

func fmtScore(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}
