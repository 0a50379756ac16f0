import ZonalBikes
import ZonalCommunity
import ZonalCore
import ZonalFences
import ZonalMines
import ZonalRaces
import ZonalVenues

/// Every domain registers here, once: `zonal tasks`, the job parser, the
/// runner and the fuzzers all read this one list.
public enum Domains {
    public static let modules: [DomainModule] = [FencesModule.module, BikesModule.module, RacesModule.module, MinesModule.module, VenuesModule.module,
                                                   CommunityModule.module]
}
