using System;
using System.Collections.Generic;
using CowPages.Sources;

namespace CowPages.Snapshots;

/// <summary>
/// The frame table as the file stores it, built one frame at a time: each kpage* column already encoded, as indexes
/// into a dictionary of its distinct words (kpageflags and kpagecgroup have few) or as plain varints (kpagecount).
/// A capture appends each frame's words as soon as they are read, so it holds about three bytes per frame until the
/// end, where the table is written, instead of three 64-bit words.
/// </summary>
internal sealed class FrameColumns
{
    private readonly Column _flags = new(dictionary: true);
    private readonly Column? _mapCounts;
    private readonly Column? _cgroups;

    public FrameColumns(bool mapCounts, bool cgroups)
    {
        _mapCounts = mapCounts ? new Column(dictionary: false) : null;
        _cgroups = cgroups ? new Column(dictionary: true) : null;
        Fields = FrameFields.Flags | (mapCounts ? FrameFields.MapCount : 0) | (cgroups ? FrameFields.Cgroup : 0);
    }

    /// <summary>How many frames were added; their ids run from 1 to this.</summary>
    public int Count { get; private set; }

    public FrameFields Fields { get; }

    /// <summary>Appends the words of frame <see cref="Count"/> + 1.</summary>
    public void Add(ulong flags, ulong mapCount, ulong cgroup)
    {
        _flags.Add(flags);
        _mapCounts?.Add(mapCount);
        _cgroups?.Add(cgroup);
        Count++;
    }

    public static FrameColumns From(FrameTable table)
    {
        var columns = new FrameColumns(table.Column(FrameFields.MapCount) is not null, table.Column(FrameFields.Cgroup) is not null);
        ulong[] flags = table.Column(FrameFields.Flags)!;
        ulong[]? counts = table.Column(FrameFields.MapCount);
        ulong[]? cgroups = table.Column(FrameFields.Cgroup);
        for (int i = 0; i < flags.Length; i++)
        {
            columns.Add(flags[i], counts?[i] ?? 0, cgroups?[i] ?? 0);
        }
        return columns;
    }

    /// <summary>The columns in the file's order: kpageflags, then kpagecount and kpagecgroup where present.</summary>
    internal IEnumerable<Column> InFileOrder()
    {
        yield return _flags;
        if (_mapCounts is not null)
        {
            yield return _mapCounts;
        }
        if (_cgroups is not null)
        {
            yield return _cgroups;
        }
    }

    /// <summary>One column: its entries encoded, and the dictionary they index while it stays small enough.</summary>
    internal sealed class Column
    {
        private readonly Dictionary<ulong, int>? _index;

        public Column(bool dictionary)
        {
            _index = dictionary ? new Dictionary<ulong, int>() : null;
            Dictionary = dictionary;
        }

        /// <summary>True while the entries are dictionary indexes; false once they are the words themselves.</summary>
        public bool Dictionary { get; private set; }

        public List<ulong> Values { get; } = new();

        public SnapshotBuffer Entries { get; } = new(1 << 12);

        public void Add(ulong word)
        {
            if (!Dictionary)
            {
                Entries.WriteVarint(word);
                return;
            }
            if (!_index!.TryGetValue(word, out int index))
            {
                if (Values.Count == SnapshotFormat.MaxDictionary)
                {
                    ToPlainWords();
                    Entries.WriteVarint(word);
                    return;
                }
                index = Values.Count;
                _index[word] = index;
                Values.Add(word);
            }
            Entries.WriteVarint((ulong)index);
        }

        /// <summary>Too many distinct words for a dictionary: the indexes written so far become the words.</summary>
        private void ToPlainWords()
        {
            byte[] indexes = Entries.Written.ToArray();
            Entries.Clear();
            int at = 0;
            while (at < indexes.Length)
            {
                ulong index = 0;
                for (int shift = 0; ; shift += 7)
                {
                    byte b = indexes[at++];
                    index |= (ulong)(b & 0x7F) << shift;
                    if (b < 0x80)
                    {
                        break;
                    }
                }
                Entries.WriteVarint(Values[(int)index]);
            }
            Dictionary = false;
            Values.Clear();
            _index!.Clear();
        }
    }
}
