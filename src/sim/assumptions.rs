//! The behaviour model's assumptions are plan data: they live in [`crate::plan::assumptions`]
//! (the plan file's `assumptions` section) and are re-exported here for the simulation's users.

pub use crate::plan::assumptions::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_models_match_the_bundled_roster_columns() {
        for (role, columns) in
            [("sales", crate::synth::SALES_COLUMNS), ("consultant", crate::synth::CONSULTANT_COLUMNS)]
        {
            let model = RoleModel::builtin(role).unwrap();
            assert!(columns.contains(&model.capacity_column()), "{role}");
            let share: f64 = model.activities.iter().map(Activity::default_share).sum();
            assert!(share < 1.0, "{role}: default shares leave time for other");
            for a in &model.activities {
                assert!(columns.contains(&a.hours.as_deref().unwrap()), "{role}.{}", a.name);
                for o in &a.outputs {
                    assert!(columns.contains(&o.metric.as_str()), "{role}.{}.{}", a.name, o.metric);
                }
                for h in &a.noise_history {
                    assert!(columns.contains(&h.as_str()), "{role}.{}: {h}", a.name);
                }
            }
        }
        assert!(RoleModel::builtin("SALES").is_some(), "roles match ignoring case");
        assert!(RoleModel::builtin("engineer").is_none());
    }
}
