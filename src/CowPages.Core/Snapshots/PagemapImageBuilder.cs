using System;
using System.Collections.Generic;

namespace CowPages.Snapshots;

/// <summary>
/// Builds a <see cref="PagemapImage"/> page by page in address order, as the reader decodes a process's tokens. Long
/// runs of one word become a single fill segment, so that a 64 GiB reservation with 1% touched costs memory for the
/// touched pages only; short runs are written out, since a segment costs more than a few words. Pages PAGEMAP_SCAN saw as
/// the zero page are kept apart, as runs of pages, since their words cannot say so.
/// </summary>
internal sealed class PagemapImageBuilder
{
    /// <summary>Runs at least this long are kept as a fill segment rather than as words.</summary>
    internal const ulong FillMinimum = 16;

    private readonly List<PagemapImage.Segment> _segments = new();
    private readonly List<PagemapImage.PageRun> _zeroRuns = new();
    private ulong[] _words = new ulong[1024];
    private long _wordCount;
    private ulong _literalStart;
    private long _literalOffset = -1;

    /// <summary>The next page to be added.</summary>
    public ulong Cursor { get; private set; }

    /// <summary>Leaves <paramref name="pages"/> pages out: they were not captured (outside every mapping).</summary>
    public void Skip(ulong pages)
    {
        CloseLiteral();
        Cursor += pages;
    }

    /// <summary>Adds one page; <paramref name="zero"/> when PAGEMAP_SCAN saw it as the zero page.</summary>
    public void Add(ulong word, bool zero = false)
    {
        if (zero)
        {
            AddZero(Cursor, 1);
        }
        if (_literalOffset < 0)
        {
            _literalOffset = _wordCount;
            _literalStart = Cursor;
        }
        if (_wordCount == _words.LongLength)
        {
            if (_words.LongLength >= Array.MaxLength)
            {
                throw new SnapshotFormatException("a process holds more pagemap words than one array can");
            }
            Array.Resize(ref _words, (int)Math.Min(Array.MaxLength, _words.LongLength * 2));
        }
        _words[_wordCount++] = word;
        Cursor++;
    }

    /// <summary>Adds <paramref name="count"/> pages of <paramref name="word"/>, all zero pages or none.</summary>
    public void AddRun(ulong word, ulong count, bool zero = false)
    {
        if (count < FillMinimum)
        {
            for (ulong i = 0; i < count; i++)
            {
                Add(word, zero);
            }
            return;
        }
        if (zero)
        {
            AddZero(Cursor, count);
        }
        CloseLiteral();
        if (_segments.Count > 0 && _segments[^1] is { IsFill: true } last && last.Fill == word && last.EndPage == Cursor)
        {
            _segments[^1] = last with { Count = last.Count + count };
        }
        else
        {
            _segments.Add(new PagemapImage.Segment(Cursor, count, -1, word));
        }
        Cursor += count;
    }

    public PagemapImage Build()
    {
        CloseLiteral();
        if (_segments.Count == 0 && _zeroRuns.Count == 0)
        {
            return PagemapImage.Empty;
        }
        Array.Resize(ref _words, (int)_wordCount);
        return new PagemapImage(_segments.ToArray(), _words, _zeroRuns.ToArray());
    }

    private void AddZero(ulong page, ulong count)
    {
        if (_zeroRuns.Count > 0 && _zeroRuns[^1].EndPage == page)
        {
            _zeroRuns[^1] = _zeroRuns[^1] with { Count = _zeroRuns[^1].Count + count };
        }
        else
        {
            _zeroRuns.Add(new PagemapImage.PageRun(page, count));
        }
    }

    private void CloseLiteral()
    {
        if (_literalOffset < 0)
        {
            return;
        }
        _segments.Add(new PagemapImage.Segment(_literalStart, Cursor - _literalStart, _literalOffset, 0));
        _literalOffset = -1;
    }
}
