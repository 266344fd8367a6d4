using System;
using System.Collections.Generic;
using CowPages.Decoding;
using CowPages.Native;

namespace CowPages.Reading;

/// <summary>Reads a process's VMA list from <c>/proc/PID/maps</c>.</summary>
public static class MapsReader
{
    /// <summary>
    /// Reads and parses the maps of <paramref name="processId"/>. A kernel thread or a zombie has no user
    /// memory and yields an empty list.
    /// </summary>
    /// <exception cref="ProcfsException">The file cannot be opened or read, or a line is malformed.</exception>
    public static List<MemoryMapping> Read(int processId)
    {
        string path = $"/proc/{processId}/maps";
        byte[] text;
        using (ProcfsFile file = ProcfsFile.Open(path, processId))
        {
            text = file.ReadToEnd();
        }
        return Parse(text, path, processId);
    }

    /// <summary>Parses the whole text of a maps file. The path and PID only label errors.</summary>
    public static List<MemoryMapping> Parse(ReadOnlySpan<byte> text, string path, int? processId)
    {
        var mappings = new List<MemoryMapping>();
        int lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            int newline = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = newline < 0 ? text : text[..newline];
            text = newline < 0 ? ReadOnlySpan<byte>.Empty : text[(newline + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }
            try
            {
                mappings.Add(MapsLineParser.Parse(line, mappings.Count > 0 ? mappings[^1] : null));
            }
            catch (FormatException e)
            {
                throw ProcfsException.Malformed(path, processId, $"line {lineNumber}: {e.Message}");
            }
        }
        return mappings;
    }
}
