using System;

namespace CowPages.Flags;

/// <summary>
/// Counts pages by their whole <c>/proc/kpageflags</c> word, as <c>page-types</c> tallies its table: one entry per
/// distinct word, every bit kept. Pure and allocation-free per page: an open-addressing table that remembers the last
/// word, since neighbouring pages of a mapping mostly share their flags.
/// </summary>
public sealed class FlagsHistogram
{
    private const int InitialSlots = 64;

    private ulong[] _keys = new ulong[InitialSlots];
    // A slot is free while its count is 0: every word counted has at least one page.
    private ulong[] _pages = new ulong[InitialSlots];
    private int _shift = 64 - 6;
    private int _lastSlot = -1;
    private ulong _lastKey;

    /// <summary>How many distinct words have been counted.</summary>
    public int Distinct { get; private set; }

    /// <summary>How many pages have been counted, over all words.</summary>
    public ulong TotalPages { get; private set; }

    /// <summary>Counts <paramref name="pages"/> pages with the flags word <paramref name="flags"/>.</summary>
    public void Add(ulong flags, ulong pages = 1)
    {
        if (pages == 0)
        {
            return;
        }
        TotalPages += pages;
        if (_lastSlot >= 0 && _lastKey == flags)
        {
            _pages[_lastSlot] += pages;
            return;
        }
        int slot = FindSlot(flags);
        if (_pages[slot] == 0)
        {
            if ((Distinct + 1) * 2 > _keys.Length)
            {
                Grow();
                slot = FindSlot(flags);
            }
            _keys[slot] = flags;
            Distinct++;
        }
        _pages[slot] += pages;
        _lastSlot = slot;
        _lastKey = flags;
    }

    /// <summary>Adds every count of <paramref name="other"/> to this one.</summary>
    public void Add(FlagsHistogram other)
    {
        for (int i = 0; i < other._keys.Length; i++)
        {
            if (other._pages[i] != 0)
            {
                Add(other._keys[i], other._pages[i]);
            }
        }
    }

    /// <summary>The counts in ascending order of the word, as page-types prints its table.</summary>
    public (ulong Flags, ulong Pages)[] ToSortedArray()
    {
        var result = new (ulong Flags, ulong Pages)[Distinct];
        int n = 0;
        for (int i = 0; i < _keys.Length; i++)
        {
            if (_pages[i] != 0)
            {
                result[n++] = (_keys[i], _pages[i]);
            }
        }
        Array.Sort(result, static (a, b) => a.Flags.CompareTo(b.Flags));
        return result;
    }

    public void Clear()
    {
        Array.Clear(_pages);
        Distinct = 0;
        TotalPages = 0;
        _lastSlot = -1;
    }

    private int FindSlot(ulong flags)
    {
        int mask = _keys.Length - 1;
        // Fibonacci hashing spreads words that differ only in high bits (the kernel-hacking flags) over the table.
        int slot = (int)((flags * 0x9E3779B97F4A7C15UL) >> _shift);
        while (_pages[slot] != 0 && _keys[slot] != flags)
        {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void Grow()
    {
        ulong[] keys = _keys, pages = _pages;
        _keys = new ulong[keys.Length * 2];
        _pages = new ulong[keys.Length * 2];
        _shift--;
        _lastSlot = -1;
        for (int i = 0; i < keys.Length; i++)
        {
            if (pages[i] != 0)
            {
                int slot = FindSlot(keys[i]);
                _keys[slot] = keys[i];
                _pages[slot] = pages[i];
            }
        }
    }
}
