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
/// or otherwise the frame field as it is (swap type and offset, or 0). Its header's bit 9 says that PAGEMAP_SCAN saw
/// the page as the zero page.</item>
/// </list>
/// About three bytes a resident page before compression.
/// </summary>
internal sealed class PagemapEncoder
{
    private readonly SnapshotBuffer _output;
    private ulong _cursor;
    private ulong _previous;
    private bool _previousZero;
    private ulong _repeats;
    private ulong _previousId;

    public PagemapEncoder(SnapshotBuffer output) => _output = output;

    /// <summary>Pages written so far, gaps left out.</summary>
    public ulong Pages { get; private set; }

    /// <summary>
    /// Appends the words of consecutive pages from <paramref name="firstPage"/>, which must not lie before the last page
    /// written; <paramref name="zero"/>, when not empty, marks the pages PAGEMAP_SCAN saw as the zero page.
    /// </summary>
    public void Append(ulong firstPage, ReadOnlySpan<ulong> words, ReadOnlySpan<bool> zero = default)
    {
        MoveTo(firstPage);
        for (int i = 0; i < words.Length; i++)
        {
            ulong word = words[i];
            bool isZero = !zero.IsEmpty && zero[i];
            if (word == _previous && isZero == _previousZero)
            {
                _repeats++;
                continue;
            }
            FlushRepeats();
            WriteLiteral(word, isZero);
            _previous = word;
            _previousZero = isZero;
        }
        _cursor += (ulong)words.Length;
        Pages += (ulong)words.Length;
    }

    /// <summary>Appends <paramref name="count"/> pages of one word from <paramref name="firstPage"/>, all zero pages or none.</summary>
    public void AppendRun(ulong firstPage, ulong count, ulong word, bool zero = false)
    {
        if (count == 0)
        {
            return;
        }
        MoveTo(firstPage);
        ulong repeats = count;
        if (word != _previous || zero != _previousZero)
        {
            FlushRepeats();
            WriteLiteral(word, zero);
            _previous = word;
            _previousZero = zero;
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
        _previousZero = false;
    }

    private void FlushRepeats()
    {
        if (_repeats > 0)
        {
            _output.WriteVarint((_repeats << 2) | SnapshotFormat.RepeatToken);
            _repeats = 0;
        }
    }

    private void WriteLiteral(ulong word, bool zero)
    {
        ulong header = (word >> SnapshotFormat.FlagShift) | (zero ? SnapshotFormat.ScanZeroBit : 0);
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
