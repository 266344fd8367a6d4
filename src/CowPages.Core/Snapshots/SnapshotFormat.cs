using System;

namespace CowPages.Snapshots;

/// <summary>
/// The constants of the snapshot file format, version 2. <c>docs/snapshot-format.md</c> describes the layout; the
/// writer and the reader are the only code that knows it.
/// </summary>
internal static class SnapshotFormat
{
    /// <summary>"COWSNAP" and a line feed: a text-mode copy that rewrites line ends breaks the magic at once.</summary>
    public static ReadOnlySpan<byte> Magic => "COWSNAP\n"u8;

    /// <summary>The format version this code writes and the only one it reads.</summary>
    public const uint Version = 2;

    /// <summary>
    /// Version 1 kept neither the kernel's quirks nor ksm_merging_pages nor which pages PAGEMAP_SCAN saw as the zero
    /// page, so a summary of it could differ from the live one; it was never released, and is refused by name.
    /// </summary>
    public const uint FirstVersion = 1;

    /// <summary>Magic and version, uncompressed.</summary>
    public const int HeaderLength = 12;

    /// <summary>Body length, compressed length (8 bytes each, little-endian), then the CRC-32 of all that precedes it.</summary>
    public const int TrailerLength = 20;

    /// <summary>Record tags in the body: a process follows, or the processes have ended and the frames follow.</summary>
    public const byte ProcessTag = 1;
    public const byte EndOfProcessesTag = 0;

    /// <summary>The low two bits of a pagemap token say what it is; the rest is its argument.</summary>
    public const ulong RepeatToken = 0;
    public const ulong LiteralToken = 1;
    public const ulong GapToken = 2;
    public const ulong EndToken = 3;

    /// <summary>A literal's header holds the pagemap word's bits 55-63 (every flag above the frame field).</summary>
    public const int FlagShift = 55;

    /// <summary>
    /// Bit 9 of a literal's header: PAGEMAP_SCAN reported the page as the zero page (PAGE_IS_PFNZERO), which it does
    /// without privilege. Set only in a snapshot without frames, whose zero page has no frame id to be known by.
    /// </summary>
    public const ulong ScanZeroBit = 1UL << 9;

    /// <summary>The largest literal header: nine flag bits and the zero-page bit.</summary>
    public const ulong MaxLiteralHeader = (1UL << 10) - 1;

    /// <summary>A process record's scan byte: whether the capture could use PAGEMAP_SCAN (Linux 6.7+) on the process.</summary>
    public const byte ScanMissing = 0;
    public const byte ScanAvailable = 1;

    /// <summary>Pages in the user half of the address space: every stored page lies below this.</summary>
    public const ulong UserPages = PageGeometry.KernelHalf >> PageGeometry.PageShift;

    /// <summary>Frame words are kept raw when the dictionary of distinct values would grow past this.</summary>
    public const int MaxDictionary = 1 << 16;
}
