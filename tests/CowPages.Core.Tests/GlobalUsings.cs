// The core's feature folders, used across the tests.
global using CowPages.Decoding;
global using CowPages.Flags;
global using CowPages.Fork;
global using CowPages.Frames;
global using CowPages.Reporting;
global using CowPages.Sources;
global using CowPages.Sources.Live;
global using CowPages.Summary;
global using CowPages.Walk;
global using CowPages.Snapshots;
