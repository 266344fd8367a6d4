using System;
using CowPages.Decoding;

namespace CowPages.Snapshots;

/// <summary>
/// Encodes one process's pagemap words (frame ids already in place of PFNs) as the format's tokens, in address order:
/// <list type="bullet">
/// <item>a gap skips pages that were not captured;</item>
/// <item>a repeat stands for more copies of the previous word (0 after a gap), so untouched pages cost nothing;</item>
/// <item>a literal carries the word's flag bits (55-63) in its header, then, for a present page, the difference
/// between its frame id and the previous present page's (ids of neighbouring pages are mostly consecutive: one byte),
/// or otherwise the frame field as it is (swap type and offset, or 0).</item>
/// </list>
/// About three bytes a resident page before compression.
/// </summary>
internal sealed class PagemapEncoder
{
    private readonly SnapshotBuffer _output;
    private ulong _cursor;
    private ulong _previous;
    private ulong _repeats;
    private ulong _previousId;

    public PagemapEncoder(SnapshotBuffer output) => _output = output;

    /// <summary>Pages written so far, gaps left out.</summary>
    public ulong Pages { get; private set; }

    /// <summary>Appends the words of consecutive pages from <paramref name="firstPage"/>, which must not lie before the last page written.</summary>
    public void Append(ulong firstPage, ReadOnlySpan<ulong> words)
    {
        MoveTo(firstPage);
        foreach (ulong word in words)
        {
            if (word == _previous)
            {
                _repeats++;
                continue;
            }
            FlushRepeats();
            WriteLiteral(word);
            _previous = word;
        }
        _cursor += (ulong)words.Length;
        Pages += (ulong)words.Length;
    }

    /// <summary>Appends <paramref name="count"/> pages of one word from <paramref name="firstPage"/>.</summary>
    public void AppendRun(ulong firstPage, ulong count, ulong word)
    {
        if (count == 0)
        {
            return;
        }
        MoveTo(firstPage);
        ulong repeats = count;
        if (word != _previous)
        {
            FlushRepeats();
            WriteLiteral(word);
            _previous = word;
            repeats--;
        }
        _repeats += repeats;
        _cursor += count;
        Pages += count;
    }

    /// <summary>Ends the process's tokens.</summary>
    public void Finish()
    {
        FlushRepeats();
        _output.WriteVarint(SnapshotFormat.EndToken);
    }

    private void MoveTo(ulong page)
    {
        if (page < _cursor)
        {
            throw new ArgumentOutOfRangeException(nameof(page), $"page 0x{page:x} lies before page 0x{_cursor:x}, which is already written");
        }
        if (page == _cursor)
        {
            return;
        }
        FlushRepeats();
        _output.WriteVarint(((page - _cursor) << 2) | SnapshotFormat.GapToken);
        _cursor = page;
        _previous = 0;
    }

    private void FlushRepeats()
    {
        if (_repeats > 0)
        {
            _output.WriteVarint((_repeats << 2) | SnapshotFormat.RepeatToken);
            _repeats = 0;
        }
    }

    private void WriteLiteral(ulong word)
    {
        ulong header = word >> SnapshotFormat.FlagShift;
        _output.WriteVarint((header << 2) | SnapshotFormat.LiteralToken);
        ulong frame = word & PagemapWord.FrameMask;
        if ((word >> PagemapWord.PresentBit) != 0)
        {
            _output.WriteSigned((long)(frame - _previousId));
            _previousId = frame;
        }
        else
        {
            _output.WriteVarint(frame);
        }
    }
}
