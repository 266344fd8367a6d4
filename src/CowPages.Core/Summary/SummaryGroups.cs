using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace CowPages.Summary;

/// <summary>
/// The counters of one summary walk: one per mapping name with -ByMapping (one in all without), and, where the
/// kernel's per-VMA figures may have to correct them afterwards, one per VMA, folded into its name's at the end.
/// </summary>
internal sealed class SummaryGroups
{
    private readonly bool _byMapping;
    private readonly List<string> _names = new();
    private readonly List<CowCounters> _counters = new();
    private readonly Dictionary<string, int> _slotOf = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, (int Slot, CowCounters Counts)> _vmas = new();

    internal SummaryGroups(bool byMapping) => _byMapping = byMapping;

    internal int Count => _names.Count;

    /// <summary>The mapping name of group <paramref name="slot"/>; null for the process total.</summary>
    internal string? NameOf(int slot) => _byMapping ? _names[slot] : null;

    internal ref CowCounters this[int slot] => ref CollectionsMarshal.AsSpan(_counters)[slot];

    /// <summary>The counters a page of <paramref name="mapping"/> adds to: its VMA's own, with <paramref name="perVma"/>.</summary>
    internal ref CowCounters For(MemoryMapping mapping, bool perVma)
    {
        int slot = SlotOf(_byMapping ? mapping.Name : "");
        if (!perVma)
        {
            return ref this[slot];
        }
        ref (int Slot, CowCounters Counts) vma = ref CollectionsMarshal.GetValueRefOrAddDefault(_vmas, mapping.Start, out bool exists);
        if (!exists)
        {
            vma.Slot = slot;
        }
        return ref vma.Counts;
    }

    /// <summary>Whether the VMA at <paramref name="start"/> is counted on its own.</summary>
    internal bool HasVma(ulong start) => _vmas.ContainsKey(start);

    internal ref CowCounters Vma(ulong start) => ref CollectionsMarshal.GetValueRefOrNullRef(_vmas, start).Counts;

    /// <summary>Adds every VMA's counters into its group's; call once, after any corrections.</summary>
    internal void FoldVmas()
    {
        foreach ((int slot, CowCounters counts) in _vmas.Values)
        {
            this[slot].Add(counts);
        }
        _vmas.Clear();
    }

    /// <summary>The group of each mapping name, for figures the kernel gives per VMA.</summary>
    internal int? SlotOfName(string name) => _slotOf.TryGetValue(_byMapping ? name : "", out int slot) ? slot : null;

    private int SlotOf(string key)
    {
        if (!_slotOf.TryGetValue(key, out int slot))
        {
            slot = _names.Count;
            _slotOf[key] = slot;
            _names.Add(key);
            _counters.Add(default);
        }
        return slot;
    }
}
