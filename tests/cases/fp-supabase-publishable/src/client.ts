const supabaseKey = "sb_publishable_EgBhAsd9vVJMdtfDsL5_FK7a5g6DOpg";
const secret = "sb_secret_rlkHjlWIKKJJEFKdC_qx17UsHU0UjUU";
